import type { Config } from './core/config.ts';
import { gazetteSource, publicationSource } from './features/catalog/catalog.search.service.ts';
import { SearchIndex } from './features/search/search.service.ts';

/** Every kind of public document search covers; a feature that publishes something adds its source here. */
export const SEARCH_SOURCES = [publicationSource, gazetteSource];

/** The search index of this instance (kept on disk under DATA_DIR/search, or in memory only). */
export const newSearchIndex = (config: Config, onDisk = true) =>
  new SearchIndex(onDisk ? config.searchDir : null, SEARCH_SOURCES);
