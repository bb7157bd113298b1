import type Dockerode from 'dockerode';
import { readContainerLogs } from './container-logs';

/** The last lines a container printed, or why they could not be read. */
export async function lastLogLines(docker: Dockerode, containerName: string, lines: number): Promise<string> {
  try {
    return (await readContainerLogs(docker, containerName, undefined, lines)).trimEnd() || '(no output)';
  } catch (error) {
    return `(logs unavailable: ${(error as Error).message})`;
  }
}
