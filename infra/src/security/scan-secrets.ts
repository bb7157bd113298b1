import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureSecrets, IMAGE_SETS, loadStack } from '@qraft/config';
import { workspaceSecrets } from './secret-values';

export interface ScanSecrets extends Disposable {
  /** Secret values by a name that never shows them. */
  readonly values: ReadonlyMap<string, string>;
  /**
   * `workspace`: this repository's secrets/, with any it lacks (one from an older version, or of the other image
   * set) generated beside them; `throwaway`: all generated for the scan because secrets/ does not exist.
   */
  readonly source: 'workspace' | 'throwaway';
  /** The root whose secrets/ holds them: a temporary copy, removed on dispose. */
  readonly root: string;
}

/**
 * The secrets a scan looks for: the workspace's own when `infra:up` (or `config:secrets`) made them, completed in a
 * temporary copy by ensureSecrets with every secret of both image sets they lack — so the scans run in CI, where
 * `pnpm test` comes before any `up`, and on a workspace whose secrets/ is from an older version, instead of
 * skipping or narrowing themselves.
 */
export function secretsForScan(workspaceRoot: string): ScanSecrets {
  const own = workspaceSecrets(workspaceRoot);
  const root = mkdtempSync(join(tmpdir(), 'qraft-scan-secrets-'));
  const dispose = () => rmSync(root, { recursive: true, force: true });
  try {
    if (own.size > 0) cpSync(join(workspaceRoot, 'secrets'), join(root, 'secrets'), { recursive: true });
    // Both image sets: the registry set has Grafana's secrets, the offline set the exporter's; derived files are
    // read after each, so every hash either set renders is in the scan.
    const values = new Map<string, string>();
    for (const imageSet of IMAGE_SETS) {
      ensureSecrets(root, loadStack({ imageSet }));
      for (const [name, value] of workspaceSecrets(root)) values.set(values.has(name) && values.get(name) !== value ? `${name} (${imageSet})` : name, value);
    }
    return { values, source: own.size > 0 ? 'workspace' : 'throwaway', root, [Symbol.dispose]: dispose };
  } catch (error) {
    dispose();
    throw error;
  }
}
