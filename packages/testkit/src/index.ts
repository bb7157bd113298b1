export { ClickHouseTestServer, startClickHouse } from './clickhouse-server';
export { freePort } from './free-port';
export { NatsTestServer, startNats, type NatsServerOptions } from './nats-server';
export { PrometheusTestServer, startPrometheus, type PrometheusServerOptions } from './prometheus-server';
export { findBinary, missingServers } from './server-process';
export { TestServer } from './test-server';
export { httpOk, waitFor } from './wait-for';
