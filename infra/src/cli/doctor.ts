import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { formatDoctorTable, runDoctor } from '../doctor';
import { hostPorts } from '../host-ports';

const HELP = `Usage: nx run infra:doctor [-- --json]

Shows what the Qraft stack needs from this host and whether it has it: container engine and version,
compose tool, engine API socket, free host ports, disk and memory. Each missing item comes with its fix.
Exit code 0 when every required item is present.
  --json   machine-readable report on stdout`;

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const report = await runDoctor({ ports: hostPorts(process.env), workspaceDir: resolve(__dirname, '../../..') });
  console.log(values.json ? JSON.stringify(report, null, 2) : formatDoctorTable(report));
  return report.ok ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`doctor: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(2);
    },
  );
}
