import { resolve } from 'node:path';
import { ExitCode, runMain, type CliSpec } from '@qraft/cli';
import { formatDoctorTable, runDoctor } from '../doctor';
import { hostPorts } from '../host-ports';

const HELP = `Usage: nx run infra:doctor [-- --json]

Shows what the Qraft stack needs from this host and whether it has it: container engine and version,
compose tool, engine API socket, free host ports, disk and memory. Each missing item comes with its fix.
  --json   machine-readable report on stdout`;

export const doctorCli: CliSpec<Record<string, never>> = {
  name: 'doctor',
  help: HELP,
  options: {},
  async run({ json, io }) {
    // hostPorts reads the stack model: an invalid QRAFT_* value is a ConfigError, so exit 2.
    const report = await runDoctor({ ports: hostPorts(process.env), workspaceDir: resolve(__dirname, '../../..') });
    io.out(json ? JSON.stringify(report, null, 2) : formatDoctorTable(report));
    return report.ok ? ExitCode.ok : ExitCode.failure;
  },
};

if (require.main === module) runMain(doctorCli);
