import { runCommand } from '@qraft/stack';
import { describeEngine, podmanComposeVersion } from './engine-description';

describe('engine description', () => {
  it("reads podman-compose's own version beside podman's, in the 1.0.3 and the 1.3 wording", () => {
    expect(podmanComposeVersion("['podman', '--version', '']\nusing podman version: 4.3.1\npodman-composer version  1.0.3\npodman --version \npodman version 4.3.1\nexit code: 0\n")).toBe('1.0.3');
    expect(podmanComposeVersion('podman-compose version 1.3.0\npodman version 5.4.2\n')).toBe('1.3.0');
  });

  it("describes this host's Docker with its server and compose versions", async () => {
    const docker = await runCommand('docker', ['version', '--format', '{{.Server.Version}}']);
    if (!docker.ok) throw new Error('the host Docker does not answer — run infra/scripts/engine.sh --docker (as root)');
    expect(await describeEngine('docker', runCommand)).toMatch(/^docker \d+\.\d+\.\d+\S* \(docker compose \d+\.\d+\.\d+\S*\)$/);
  });

  it('says "version unknown" for an engine that does not answer instead of failing', async () => {
    const none = async () => ({ ok: false, stdout: '' });
    expect(await describeEngine('podman', none)).toBe('podman (version unknown) (podman-compose (version unknown))');
  });
});
