import { stringify } from 'yaml';
import { hashComment, headerLines } from './generated-header';
import { SECRET_TARGETS } from './secret-targets';
import type { StackModel } from './stack-model';

export const DASHBOARDS_DIR = '/etc/grafana/provisioning/dashboards/qraft';

export interface GrafanaDatasource {
  readonly name: string;
  readonly uid: string;
  readonly type: string;
  readonly access: 'proxy';
  readonly url?: string;
  readonly isDefault: boolean;
  readonly editable: false;
  readonly basicAuth?: boolean;
  readonly basicAuthUser?: string;
  readonly jsonData?: Readonly<Record<string, string | number | boolean>>;
  readonly secureJsonData?: Readonly<Record<string, string>>;
}

/** Datasources: Prometheus, and ClickHouse through the grafana-clickhouse-datasource plugin (read-only user). */
export function grafanaDatasources(model: StackModel): GrafanaDatasource[] {
  const port = (service: 'prometheus' | 'clickhouse', name: string) =>
    model.services[service].ports.find((p) => p.name === name)!.container;
  return [
    {
      name: 'Prometheus',
      uid: 'qraft-prometheus',
      type: 'prometheus',
      access: 'proxy',
      url: `http://prometheus:${port('prometheus', 'http')}`,
      isDefault: true,
      editable: false,
      // Prometheus answers 401 without basic auth; Grafana has a user of its own there.
      basicAuth: true,
      basicAuthUser: model.prometheusUsers.grafana,
      secureJsonData: { basicAuthPassword: `$__file{${SECRET_TARGETS.prometheus_grafana_password}}` },
    },
    {
      name: 'ClickHouse',
      uid: 'qraft-clickhouse',
      type: 'grafana-clickhouse-datasource',
      access: 'proxy',
      isDefault: false,
      editable: false,
      jsonData: {
        host: 'clickhouse',
        port: port('clickhouse', 'http'),
        protocol: 'http',
        secure: false,
        username: model.clickhouseUsers.grafana,
        defaultDatabase: model.clickhouseUsers.database,
      },
      // Grafana reads the file at start-up; the password never appears in configs/.
      secureJsonData: { password: `$__file{${SECRET_TARGETS.clickhouse_grafana_password}}` },
    },
  ];
}

export function renderGrafanaDatasources(model: StackModel): string {
  return (
    hashComment(headerLines(model, 'Grafana datasources (provisioning/datasources).')) +
    '\n' +
    stringify({ apiVersion: 1, datasources: grafanaDatasources(model) }, { lineWidth: 0 })
  );
}

export function renderGrafanaDashboardProvider(model: StackModel): string {
  return (
    hashComment(headerLines(model, 'Grafana dashboard provider (provisioning/dashboards).')) +
    '\n' +
    stringify(
      {
        apiVersion: 1,
        providers: [
          {
            name: 'qraft',
            folder: 'Qraft',
            type: 'file',
            disableDeletion: true,
            allowUiUpdates: false,
            options: { path: DASHBOARDS_DIR, foldersFromFilesStructure: false },
          },
        ],
      },
      { lineWidth: 0 },
    )
  );
}
