import type { AuthConfig } from '../config.ts';
import type { AuthStore } from '../store/auth-store.ts';
import { hashPassword } from './password-hash.ts';
import { newSecret } from './secret.ts';

/** What `bootstrapAdmin` did: lines for the start banner, and the setup token when one is needed. */
export interface Bootstrap {
  lines: string[];
  setupToken?: string;
}

/**
 * The first admin, at start. Auth off: nothing (the banner says every request is the local admin).
 * Auth on: with `EDGEFLOW_ADMIN_PASSWORD`, the admin `EDGEFLOW_ADMIN_USERNAME` is created unless that
 * user exists (as MLflow's basic-auth app does); with no user at all and no password, a one-time setup
 * token is made for `POST /api/2.0/edgeflow/auth/setup` (valid until used or the tracker restarts).
 * There is no default password.
 */
export async function bootstrapAdmin(store: AuthStore, config: AuthConfig, now: number): Promise<Bootstrap> {
  if (!config.enabled) {
    return {
      lines: [
        '  auth off: every request acts as the local admin "local" — allowed only while bound to loopback (EDGEFLOW_AUTH=on for a team)',
      ],
    };
  }
  const lines: string[] = [];
  const { username, password } = config.admin;
  if (password && !(await store.findUser(username))) {
    await store.createUser(username, await hashPassword(password), true, now);
    lines.push(`  auth on: created the admin "${username}" from EDGEFLOW_ADMIN_PASSWORD`);
  }
  const users = await store.countUsers();
  if (users === 0) {
    const setupToken = newSecret('efs_');
    lines.push(
      '  auth on: no user yet. Create the first admin with this one-time setup token (valid until used or the tracker restarts):',
      `    ${setupToken}`,
      '    POST /api/2.0/edgeflow/auth/setup {"setup_token": "…", "username": "…", "password": "…"}',
    );
    return { lines, setupToken };
  }
  lines.push(`  auth on: ${users} user${users === 1 ? '' : 's'}; default permission ${config.defaultPermission}`);
  return { lines };
}
