export { ClickHouseTestServer, startClickHouse } from './clickhouse-server';
export { describeServers, type SuiteFn } from './describe-servers';
export { freePort } from './free-port';
export { NatsTestServer, startNats, type NatsServerOptions } from './nats-server';
export { realEngineSkipReason } from './real-engine';
export { PrometheusTestServer, startPrometheus, type PrometheusServerOptions } from './prometheus-server';
export { findBinary, missingServers, TEST_SERVER_BINARIES, type TestServerBinary } from './server-process';
export { TestServer } from './test-server';
export { httpOk, waitFor } from './wait-for';
