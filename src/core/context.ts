import type { Config } from './config.ts';
import type { Db } from './db.ts';
import type { FileStore } from './files.ts';
import type { SearchFeed } from './search.ts';
import type { SiteDirectory } from './sites.ts';

/** What every service function needs: the database, the file store, the search feed and its backend, the sites, the configuration and a clock. */
export interface Ctx {
  db: Db;
  /**
   * Reads that may lag a moment behind the writes (public pages, lists, search rows): a streaming replica when
   * DATABASE_REPLICA_URL is set, else `db` itself. Never for a read of what the same request has just written.
   */
  read: Db;
  files: FileStore;
  search: SearchFeed;
  sites: SiteDirectory;
  config: Config;
  now: () => Date;
}
