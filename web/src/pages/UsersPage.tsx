import type { ReactNode } from 'react';
import { useApi } from '../api/hooks';
import type { Account } from '../api/types';
import { AddUserForm } from '../components/AddUserForm';
import { UserRow } from '../components/UserRow';
import { useSession } from '../session';

/** The admin's accounts page: each account's archive size and last backup, never its messages. */
export function UsersPage(): ReactNode {
  const { session } = useSession();
  const users = useApi<{ items: Account[] }>('/api/users');
  const list = users.data?.items ?? [];
  return (
    <section className="users-page" aria-labelledby="users-title">
      <header className="page-header">
        <h1 id="users-title">Users</h1>
      </header>
      <p className="muted">Each account has an archive of its own. As an admin you see its size and last backup here, never its messages.</p>
      {users.error !== null && (
        <p className="error" role="alert">
          {users.error}
        </p>
      )}
      {list.length > 0 && (
        <div className="table-scroll">
          <table className="users-table">
            <caption className="visually-hidden">Accounts on this server</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                <th scope="col">E-mail</th>
                <th scope="col">Archive size</th>
                <th scope="col">Last backup</th>
                <th scope="col">Shared with</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {list.map((a) => (
                <UserRow key={a.id} account={a} isMe={a.username === session?.username} onChanged={users.reload} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="chart-grid">
        <AddUserForm onAdded={users.reload} />
      </div>
    </section>
  );
}
