import type { Config } from './config.ts';
import type { Db } from './db.ts';
import type { FileStore } from './files.ts';
import type { SearchFeed } from './search.ts';
import type { SiteDirectory } from './sites.ts';

/** What every service function needs: the database, the file store, the search feed and its backend, the sites, the configuration and a clock. */
export interface Ctx {
  db: Db;
  files: FileStore;
  search: SearchFeed;
  sites: SiteDirectory;
  config: Config;
  now: () => Date;
}
