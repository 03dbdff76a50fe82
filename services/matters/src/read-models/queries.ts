import { type Page, type PageRequest, pageLimit, pageOf } from "@gov/service-kit";
import type { BundleView, Catalog, CatalogFilter, MatterSummary, PublishedVersionView } from "./catalog.ts";
import { catalogKpis, type KpiReport } from "./kpis.ts";

/** What the routes ask of the catalog read model. Lists come in pages (`paging.ts` of @gov/service-kit). */
export interface CatalogQueries {
  get(matterId: string): Promise<MatterSummary | undefined>;
  /** A past or current published version. */
  version(matterId: string, version: number): Promise<PublishedVersionView | undefined>;
  /** A matter's published versions, oldest first; undefined when there is no such matter. */
  versions(matterId: string, page?: PageRequest): Promise<Page<PublishedVersionView> | undefined>;
  /** Matters in force or suspended (not drafts, not retired) that match the filter, by matter id. */
  search(filter?: CatalogFilter, page?: PageRequest): Promise<Page<MatterSummary>>;
  bundle(bundleId: string): Promise<BundleView | undefined>;
  /** Bundles by bundle id. */
  bundles(page?: PageRequest): Promise<Page<BundleView>>;
  kpis(): Promise<KpiReport>;
}

/** What the command side looks up (a matter's published version for a bundle; a bundle the demo defined). */
export interface CatalogLookup {
  get(matterId: string): MatterSummary | undefined | Promise<MatterSummary | undefined>;
  bundle(bundleId: string): BundleView | undefined | Promise<BundleView | undefined>;
}

/** The catalog's sort keys, which are also its cursors. */
export const cursorTypes = { matters: ["string"], bundles: ["string"], versions: ["number"] } as const;

/** The in-memory catalog answering the same queries (the reference the SQL model is checked against). */
export function memoryQueries(catalog: Catalog): CatalogQueries {
  const after = <T>(items: T[], key: (x: T) => string | number, page: PageRequest = {}) => {
    const from = page.after?.[0];
    const rest = from === undefined ? items : items.filter((x) => key(x) > from);
    const limit = pageLimit(page);
    return pageOf(
      rest.slice(0, limit + 1),
      limit,
      (x) => [key(x)],
      (x) => x,
    );
  };
  const summary = ({ versions: _, ...m }: ReturnType<Catalog["search"]>[number]) => m;
  return {
    get: async (matterId) => {
      const m = catalog.get(matterId);
      return m && summary(m);
    },
    version: async (matterId, version) => catalog.version(matterId, version),
    versions: async (matterId, page) => {
      const m = catalog.get(matterId);
      return m && after(m.versions, (v) => v.version, page);
    },
    search: async (filter = {}, page) => {
      const p = after(catalog.search(filter), (m) => m.matterId, page);
      return { ...p, items: p.items.map(summary) };
    },
    bundle: async (bundleId) => catalog.bundle(bundleId),
    bundles: async (page) => after(catalog.bundles(), (b) => b.bundleId, page),
    kpis: async () => catalogKpis(catalog),
  };
}
