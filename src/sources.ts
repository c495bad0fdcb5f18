import type { Config } from './core/config.ts';
import { SearchFeed } from './core/search.ts';
import { gazetteSource, publicationSource } from './features/catalog/catalog.search.service.ts';
import {
  consultationSource,
  faqSource,
  interviewSource,
  letterSource,
} from './features/interaction/interaction.search.service.ts';
import { LocalBackend } from './features/search/search.local.ts';
import { dictionaryTerms } from './features/search/search.service.ts';

/** Every kind of public document search covers; a feature that publishes something adds its source here. */
export const SEARCH_SOURCES = [
  publicationSource,
  gazetteSource,
  letterSource,
  faqSource,
  consultationSource,
  interviewSource,
];

/** This instance's search: the local backend (kept on disk under DATA_DIR/search, or in memory only), fed by it. */
export const newSearch = (config: Config, onDisk = true) =>
  new SearchFeed(new LocalBackend(onDisk ? config.searchDir : null), SEARCH_SOURCES, { dictionary: dictionaryTerms });
