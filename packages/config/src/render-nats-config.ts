import { posix } from 'node:path';
import { hashComment, headerLines } from './generated-header';
import { SECRET_TARGETS } from './secret-targets';
import type { StackModel } from './stack-model';

/**
 * nats-server configuration: client and monitoring ports, JetStream on a bounded store, sane limits, and the
 * accounts file with the password hashes (renderNatsAccounts), which lives under secrets/ and is mounted apart.
 */
export function renderNatsConfig(model: StackModel): string {
  const nats = model.services.nats;
  const port = (name: string) => nats.ports.find((p) => p.name === name)!.container;
  // nats-server resolves an include against the including file's directory, even an absolute path.
  const accounts = posix.relative(nats.config!.container, SECRET_TARGETS.nats_accounts!);
  return (
    hashComment(headerLines(model, 'nats-server configuration, mounted read-only at /etc/nats.')) +
    `
server_name: "qraft-nats"
listen: "0.0.0.0:${port('client')}"
http: "0.0.0.0:${port('monitoring')}"

max_connections: 1024
max_payload: 1MB
max_pending: 64MB
max_control_line: 4KB
ping_interval: "20s"
ping_max: 3
write_deadline: "10s"

# nats-server appends "jetstream/" to store_dir: the streams live in ${nats.data!.container}/jetstream (data/nats/jetstream on the host).
jetstream {
  store_dir: "${nats.data!.container}"
  max_memory_store: 64MB
  max_file_store: 4GB
}

# Accounts and users (bcrypt hashes): secrets/nats_accounts.conf, generated on this machine by \`infra:up\`
# (qraft-config secrets) and mounted at ${SECRET_TARGETS.nats_accounts}. Without it nats-server does not start.
include "${accounts}"
`
  );
}
