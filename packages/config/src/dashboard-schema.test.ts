import type { Dashboard, Panel } from '@grafana/schema';
import { loadStack } from './load-stack';
import { dashboardQueries, overviewDashboard, type GrafanaDashboard } from './overview-dashboard';

/** The same shape without `readonly`: Grafana's published types use mutable arrays. */
type Mutable<T> = T extends ReadonlyArray<infer U> ? Mutable<U>[] : T extends object ? { -readonly [K in keyof T]: Mutable<T[K]> } : T;

// The check is the assignment: `typecheck` fails when the generated dashboard leaves Grafana's published
// dashboard schema types (@grafana/schema, the classic JSON model Grafana provisions from files).
function asGrafanaDashboard(dashboard: GrafanaDashboard): Dashboard {
  const checked: Dashboard = dashboard as unknown as Mutable<GrafanaDashboard>;
  return checked;
}

describe("the overview dashboard against Grafana's published schema types", () => {
  it.each(['offline', 'registry'])('fits @grafana/schema Dashboard and Panel (%s set), every panel with a Prometheus query', (imageSet) => {
    const dashboard = asGrafanaDashboard(overviewDashboard(loadStack({ imageSet })));
    const panels = (dashboard.panels ?? []) as Panel[];
    expect(panels.length).toBeGreaterThan(0);
    for (const panel of panels) {
      expect({ panel: panel.title, datasource: panel.datasource?.type, queries: (panel.targets ?? []).length > 0 }).toEqual({ panel: panel.title, datasource: 'prometheus', queries: true });
    }
  });

  it('says in the panel description when only the registry set has its metric', () => {
    const panels = overviewDashboard(loadStack()).panels;
    for (const query of dashboardQueries().filter((q) => q.registryOnly)) {
      expect(panels.find((p) => p.title === query.panel)?.description).toContain(`Registry image set only: ${query.registryOnly}`);
    }
  });
});
