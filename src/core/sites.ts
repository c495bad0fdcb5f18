import { z } from 'zod';
import type { Db } from './db.ts';
import type { Site } from './db.types.ts';

/** A site's settings as the office sets them (stored as JSON in `sites.settings`), each with its default. */
const settingsSchema = z.object({
  /** Working days a policy may wait for its interpretation before the office is told (三同步). */
  interpretationDays: z.number().int().min(1).max(60).catch(3),
  /**
   * A small office may let one person give both approvals of an edition (审核 and 保密审查); by default two people
   * must. The submitter never approves either way.
   */
  sameReviewerAllowed: z.boolean().catch(false),
  /**
   * 政民互动 (RULES.md §7): the working days a letter of each kind may take to be answered, where the site sets its own
   * (the interaction feature holds the defaults), and whether a letter's reply is reviewed before it is sent.
   */
  letterDays: z.record(z.string(), z.number().int().min(1).max(60)).catch({}),
  letterReplyReview: z.boolean().catch(false),
  /** Working days after a consultation closes by which its result is published, where the site sets its own. */
  consultationResultDays: z.number().int().min(1).max(60).optional().catch(undefined),
  /**
   * What the site's footer states, as the national website norms ask (政府网站发展指引, 国办发〔2017〕47号): who runs
   * it, its 网站标识码, its ICP and public-security filings, the 党政机关 mark and how to reach the office.
   */
  footer: z
    .object({
      sponsor: z.string().catch(''),
      organizer: z.string().catch(''),
      siteId: z.string().catch(''),
      icp: z.string().catch(''),
      police: z.string().catch(''),
      policeLink: z.string().catch(''),
      conacLink: z.string().catch(''),
      contact: z.string().catch(''),
    })
    .catch({ sponsor: '', organizer: '', siteId: '', icp: '', police: '', policeLink: '', conacLink: '', contact: '' }),
});
type SiteSettings = z.output<typeof settingsSchema>;

/** A site's settings, with the default for each one missing or unreadable. */
export const settingsOf = (site: Pick<Site, 'settings'>): SiteSettings =>
  settingsSchema.parse(site.settings && typeof site.settings === 'object' ? site.settings : {});

/** How long another instance's change to a site may take to reach this one (this instance's own changes are at once). */
const FRESH_MS = 5_000;

/**
 * The sites of the installation, kept in memory: every request is routed to its site by host name or code, so
 * looking them up must not cost a query. The list is reloaded when this instance changes a site (`changed`) and at
 * most `FRESH_MS` after another instance did. It reads through the database's own connection: never call it inside a
 * transaction (the embedded database has one connection, which the transaction holds).
 */
export class SiteDirectory {
  private loaded: { at: number; sites: Site[] } | null = null;
  private loading: Promise<Site[]> | null = null;
  /** Bumped by `changed`, so a read that began before a change is not kept. */
  private generation = 0;

  constructor(
    private readonly db: Db,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Every site, in the order they were created. */
  async all(): Promise<Site[]> {
    if (this.loaded && this.clock() - this.loaded.at < FRESH_MS) return this.loaded.sites;
    if (!this.loading) {
      const started = this.clock();
      const generation = this.generation;
      const loading = this.db
        .selectFrom('sites')
        .selectAll()
        .orderBy('id')
        .execute()
        .then((sites) => {
          if (generation === this.generation) this.loaded = { at: started, sites };
          return sites;
        })
        .finally(() => {
          if (this.loading === loading) this.loading = null;
        });
      this.loading = loading;
    }
    return this.loading;
  }

  /** The site answering on this host name; on an installation with one site, that site. */
  async byHost(host: string): Promise<Site | undefined> {
    const all = await this.all();
    const name = host.toLowerCase();
    return all.find((s) => s.hosts.includes(name)) ?? (all.length === 1 ? all[0] : undefined);
  }

  async byCode(code: string): Promise<Site | undefined> {
    return (await this.all()).find((s) => s.code === code);
  }

  async byId(id: number): Promise<Site | undefined> {
    return (await this.all()).find((s) => s.id === id);
  }

  async first(): Promise<Site | undefined> {
    return (await this.all())[0];
  }

  /** A site was created or changed here: the next lookup reads them again. */
  changed(): void {
    this.generation++;
    this.loaded = null;
    this.loading = null;
  }
}
