/**
 * The HTTP API's one contract (docs/api.md): zod schemas of every route's request and response,
 * imported by the server (validation, handler types) and the web app (types only).
 */
export * from './archive.js';
export * from './auth.js';
export * from './common.js';
export * from './household.js';
export * from './jobs.js';
export * from './routes.js';
export * from './sources.js';
