/**
 * The signed-in account's archives (switcher, shares of its own archive) and, for admins, the
 * accounts of the server (docs/api.md "Accounts and archives"). An admin sees each account's
 * archive size and last backup, never its messages: no route here opens an archive's content.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  AccountChange,
  ChooseArchive,
  IdParam,
  NewAccount,
  NewPassword,
  NewShare,
  RemoveAccount,
  type Account as AccountView,
  type ResponseOf,
} from '../../api-contract/index.js';
import type { ArchiveHost } from '../../sources/archive-host.js';
import { chooseArchive, type Session } from '../../vault/auth/sessions.js';
import { addUser, setPassword, UserError, userIdOf } from '../../vault/auth/users.js';
import { listAccounts, removalBlocker, removeAccount, setDisabled, setEmail, setRole, type Account } from '../../vault/household/accounts.js';
import { archivesOf, getArchive, ownArchiveOf, pickArchive, shareArchive, sharesOf, unshareArchive } from '../../vault/household/archives.js';
import { archiveUsage } from '../../vault/household/usage.js';
import { ApiError } from '../errors.js';

function sessionOf(request: FastifyRequest): Session {
  if (request.session === null) throw new ApiError(401, 'unauthenticated', 'log in first');
  return request.session;
}

export function accountRoutes(app: FastifyInstance, host: ArchiveHost): void {
  const control = host.accounts;
  const account = { config: { access: 'account' as const } };
  const admin = { config: { access: 'admin' as const } };

  const present = async (a: Account): Promise<AccountView> => {
    let archive: AccountView['archive'] = null;
    if (a.archive !== null) {
      const ref = await getArchive(control, host.homeDir, a.archive.id);
      const usage = ref === undefined ? { sizeBytes: 0, lastBackupAt: null } : await archiveUsage((await host.get(ref)).vault);
      archive = { id: a.archive.id, ...usage };
    }
    return { id: a.id, username: a.username, role: a.role, disabled: a.disabled, email: a.email, createdAt: a.createdAt, archive, sharedWith: a.sharedWith };
  };
  const accountById = async (id: number): Promise<Account> => {
    const found = (await listAccounts(control, host.homeDir)).find((a) => a.id === id);
    if (found === undefined) throw new ApiError(404, 'not_found', `there is no account ${id}`);
    return found;
  };
  const userErrors = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof UserError) throw new ApiError(409, 'conflict', e.message);
      throw e;
    }
  };

  app.get('/api/archives', account, async (request): Promise<ResponseOf<'GET /api/archives'>> => {
    const s = sessionOf(request);
    const current = await pickArchive(control, host.homeDir, s.user.id, s.archiveId);
    const all = await archivesOf(control, host.homeDir, s.user.id);
    return { items: all.map((a) => ({ id: a.id, owner: a.ownerName, readOnly: a.readOnly, current: a.id === current?.id })) };
  });

  app.post('/api/archives/current', account, async (request): Promise<ResponseOf<'POST /api/archives/current'>> => {
    const s = sessionOf(request);
    const { archiveId } = ChooseArchive.parse(request.body);
    const picked = (await archivesOf(control, host.homeDir, s.user.id)).find((a) => a.id === archiveId);
    // The same answer for an archive that does not exist and one that is not open to this account.
    if (picked === undefined) throw new ApiError(404, 'not_found', `there is no archive ${archiveId} open to you`);
    await chooseArchive(control, s.token, picked.id);
    return { id: picked.id, owner: picked.ownerName, readOnly: picked.readOnly, current: true };
  });

  // Shares are always of the account's own archive, whichever archive it is looking at.
  const ownArchive = async (request: FastifyRequest): Promise<number> => {
    const own = await ownArchiveOf(control, host.homeDir, sessionOf(request).user.id);
    if (own === undefined) throw new ApiError(404, 'not_found', 'this account has no archive of its own');
    return own.id;
  };

  app.get('/api/shares', account, async (request): Promise<ResponseOf<'GET /api/shares'>> => ({ items: await sharesOf(control, await ownArchive(request)) }));

  app.post('/api/shares', account, async (request, reply) => {
    const { username } = NewShare.parse(request.body);
    const archiveId = await ownArchive(request);
    let userId: number;
    try {
      userId = await userIdOf(control, username);
    } catch {
      throw new ApiError(404, 'not_found', `there is no account named "${username}" on this server`);
    }
    await userErrors(() => shareArchive(control, archiveId, userId));
    const share = (await sharesOf(control, archiveId)).find((x) => x.userId === userId);
    if (share === undefined) throw new Error('a share just made is missing');
    return reply.status(201).send(share satisfies ResponseOf<'POST /api/shares'>);
  });

  app.delete('/api/shares/:id', account, async (request, reply) => {
    const { id } = IdParam.parse(request.params);
    if (!(await unshareArchive(control, await ownArchive(request), id))) throw new ApiError(404, 'not_found', `your archive is not shared with account ${id}`);
    return reply.status(204).send();
  });

  app.get('/api/users', admin, async (): Promise<ResponseOf<'GET /api/users'>> => ({
    items: await Promise.all((await listAccounts(control, host.homeDir)).map(present)),
  }));

  app.post('/api/users', admin, async (request, reply) => {
    const body = NewAccount.parse(request.body);
    const user = await userErrors(() => addUser(control, body.username, body.password, { role: body.admin === true ? 'admin' : 'user', email: body.email ?? null }));
    return reply.status(201).send((await present(await accountById(user.id))) satisfies ResponseOf<'POST /api/users'>);
  });

  app.patch('/api/users/:id', admin, async (request): Promise<ResponseOf<'PATCH /api/users/:id'>> => {
    const { id } = IdParam.parse(request.params);
    const change = AccountChange.parse(request.body);
    const target = await accountById(id);
    await userErrors(async () => {
      if (change.admin !== undefined) await setRole(control, target.username, change.admin ? 'admin' : 'user');
      if (change.email !== undefined) await setEmail(control, target.username, change.email);
      if (change.disabled !== undefined) await setDisabled(control, target.username, change.disabled);
    });
    return present(await accountById(id));
  });

  app.post('/api/users/:id/password', admin, async (request, reply) => {
    const { id } = IdParam.parse(request.params);
    const { password } = NewPassword.parse(request.body);
    const target = await accountById(id);
    await userErrors(() => setPassword(control, target.username, password));
    return reply.status(204).send();
  });

  app.delete('/api/users/:id', admin, async (request): Promise<ResponseOf<'DELETE /api/users/:id'>> => {
    const { id } = IdParam.parse(request.params);
    const { confirm } = RemoveAccount.parse(request.body);
    const target = await accountById(id);
    if (confirm !== target.username) throw new ApiError(400, 'bad_request', `type the account's name (${target.username}) to confirm: its archive is deleted with it`);
    if (target.id === sessionOf(request).user.id) throw new ApiError(409, 'conflict', 'you cannot remove your own account: another admin can');
    const blocker = await removalBlocker(control, host.homeDir, target.username);
    if (blocker !== null) throw new ApiError(409, 'conflict', blocker);
    if (target.archive !== null) await host.forget(target.archive.id);
    const { archiveDir } = await userErrors(() => removeAccount(control, host.homeDir, target.username));
    return { removed: target.username, archiveDeleted: archiveDir !== null };
  });
}
