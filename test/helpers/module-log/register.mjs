// `node --import ./register.mjs ...` installs hooks.mjs in the process (and its worker threads).
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
