import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateWorkflow } from '@action-validator/core';

const dir = join(__dirname, '..', '..', '.github', 'workflows');
const files = readdirSync(dir).filter((f) => f.endsWith('.yml'));

describe('GitHub workflows', () => {
  it.each(files)('%s is valid against the workflow schema', (file) => {
    const state = validateWorkflow(readFileSync(join(dir, file), 'utf8'));
    expect(state.errors).toEqual([]);
  });

  it('the validator rejects a job without runs-on (so the check above can fail)', () => {
    const state = validateWorkflow('on: push\njobs:\n  x:\n    steps:\n      - run: echo\n');
    expect(state.errors.length).toBeGreaterThan(0);
  });

  it("the CI workflow runs the matrix of Node 20 and 22 on the runner's Docker and Podman and on Podman 5, faults on Docker and Podman 5", () => {
    const ci = readFileSync(join(dir, 'ci.yml'), 'utf8');
    expect(ci).toMatch(/node: \['20', '22'\]/);
    expect(ci).toMatch(/leg: \[host-docker, host-podman, nested-podman\]/);
    expect(ci).toMatch(/--legs \$\{\{ matrix\.leg \}\} --suite faults/);
  });
});

/** Targets a project really has: package.json scripts, `nx.targets`, and project.json targets. */
function targetsOf(project: string): Set<string> {
  const root = join(__dirname, '..', '..');
  const dir = project === 'infra' ? join(root, 'infra') : join(root, 'packages', project);
  const read = (file: string) => {
    try {
      return JSON.parse(readFileSync(join(dir, file), 'utf8')) as { scripts?: object; nx?: { targets?: object }; targets?: object };
    } catch {
      return {};
    }
  };
  const pkg = read('package.json');
  const proj = read('project.json');
  return new Set([...Object.keys(pkg.scripts ?? {}), ...Object.keys(pkg.nx?.targets ?? {}), ...Object.keys(proj.targets ?? {})]);
}

describe('workflow commands', () => {
  it.each(files)('%s runs only Nx targets that exist', (file) => {
    const text = readFileSync(join(dir, file), 'utf8');
    const missing = [...text.matchAll(/nx run ([\w-]+):([\w-]+)/g)]
      .filter(([, project, target]) => !targetsOf(project!).has(target!))
      .map(([, project, target]) => `${project}:${target}`);
    expect(missing).toEqual([]);
  });
});
