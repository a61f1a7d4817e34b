import type { Client } from '@libsql/client';

/** What the store's operation modules work on: the raw libSQL client (writes run under the store's lock). */
export interface StoreContext {
  client: Client;
}
