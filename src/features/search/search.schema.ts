import { z } from 'zod';
import { pageParam } from '../../core/validate.ts';
import { GENRES, THEMES } from '../catalog/catalog.rules.ts';

const year = z.coerce.number().int().min(1949).max(2200).optional().catch(undefined);

/** The search form and API parameters; a value that makes no sense is dropped, never an error. */
export const searchQuery = z.object({
  q: z
    .string()
    .max(10_000)
    .catch('')
    .default('')
    .transform((s) => s.trim().slice(0, 200)),
  agency: z.coerce.number().int().positive().max(2_147_483_647).optional().catch(undefined),
  column: z
    .string()
    .regex(/^[a-z0-9-]{1,64}$/)
    .optional()
    .catch(undefined),
  theme: z.enum(THEMES).optional().catch(undefined),
  genre: z.enum(GENRES).optional().catch(undefined),
  validity: z.enum(['valid', 'expired', 'repealed', 'amended']).optional().catch(undefined),
  /** A kind of document (`p` 政府信息, `g` 政府公报, `l` 来信选登, `f` 常见问题 …: the search sources). */
  kind: z
    .string()
    .regex(/^[a-z]{1,2}$/)
    .optional()
    .catch(undefined),
  from: year,
  to: year,
  sort: z.enum(['relevance', 'date']).catch('relevance').default('relevance'),
  page: pageParam.pipe(z.number().max(100)).catch(1),
});

export type SearchQuery = z.output<typeof searchQuery>;

export const SEARCH_PAGE_SIZE = 20;
