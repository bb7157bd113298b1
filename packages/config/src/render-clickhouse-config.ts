import { headerLines } from './generated-header';
import type { StackModel } from './stack-model';

const xmlComment = (lines: readonly string[]) => `<!--\n${lines.map((l) => `  ${l.replace(/--/g, '- -')}`).join('\n')}\n-->`;

/**
 * ClickHouse config.d override. The root element is <yandex>, which both 18.16 and current releases read.
 * 18.16 listens on ::1 by default, which a container lacks, hence listen_host 0.0.0.0.
 */
export function renderClickhouseConfig(model: StackModel): string {
  const ch = model.services.clickhouse;
  const port = (name: string) => ch.ports.find((p) => p.name === name)?.container;
  const logDir = ch.logs?.container ?? '/var/log/clickhouse-server';
  const metrics = ch.capabilities.metrics
    ? `
    <!-- Prometheus endpoint (the image has one); scraped as clickhouse:${port('metrics')}${ch.metrics?.path ?? '/metrics'}. -->
    <prometheus>
        <endpoint>${ch.metrics?.path ?? '/metrics'}</endpoint>
        <port>${port('metrics')}</port>
        <metrics>true</metrics>
        <events>true</events>
        <asynchronous_metrics>true</asynchronous_metrics>
    </prometheus>
`
    : `
    <!-- No Prometheus endpoint: ClickHouse ${ch.image.version} has none; health comes from /ping and the app's qraft_clickhouse_connected. -->
`;
  return `<?xml version="1.0"?>
${xmlComment(headerLines(model, 'ClickHouse server settings, mounted read-only as /etc/clickhouse-server/config.d.'))}
<yandex>
    <!-- Replaces the first listen_host of the packaged config; listen_try keeps a second, unusable one from stopping start-up. -->
    <listen_host>0.0.0.0</listen_host>
    <listen_try>1</listen_try>
    <http_port>${port('http')}</http_port>
    <tcp_port>${port('native')}</tcp_port>

    <logger>
        <level>information</level>
        <log>${logDir}/clickhouse-server.log</log>
        <errorlog>${logDir}/clickhouse-server.err.log</errorlog>
        <size>100M</size>
        <count>5</count>
    </logger>

    <path>${ch.data!.container}/</path>
    <tmp_path>${ch.data!.container}/tmp/</tmp_path>
    <user_files_path>${ch.data!.container}/user_files/</user_files_path>
    <format_schema_path>${ch.data!.container}/format_schemas/</format_schema_path>
${metrics}</yandex>
`;
}
