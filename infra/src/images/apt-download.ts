import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Progress, runCommand, silentProgress, streamCommand } from '@qraft/stack';

export interface DebRequest {
  readonly name: string;
  /** Upstream version the .deb must carry, e.g. "2.10.27" (the Debian revision may vary). */
  readonly version: string;
}

export interface AptDownloadOptions {
  readonly suite: string;
  readonly mirror?: string;
  readonly packages: readonly DebRequest[];
  /** Per-suite apt lists and downloaded .debs live under cacheDir/apt/<suite>. */
  readonly cacheDir: string;
  readonly progress?: Progress;
}

/** Debian's file name for a version: epoch "1:" becomes "1%3a". */
function matchesVersion(file: string, req: DebRequest): boolean {
  const prefix = `${req.name}_`;
  if (!file.startsWith(prefix) || !file.endsWith('.deb')) return false;
  const version = decodeURIComponent(file.slice(prefix.length).split('_')[0] ?? '').replace(/^\d+:/, '');
  return version === req.version || /^[-+~]/.test(version.slice(req.version.length)) && version.startsWith(req.version);
}

/**
 * Downloads .debs of one suite with apt pointed at a private source list and private lists, so the
 * host's apt configuration is neither used nor changed. Already-downloaded files are reused.
 * Answers the path of each package's .deb.
 */
export async function downloadDebs(options: AptDownloadOptions): Promise<Record<string, string>> {
  const progress = options.progress ?? silentProgress;
  const mirror = options.mirror ?? 'http://deb.debian.org/debian';
  const base = join(options.cacheDir, 'apt', options.suite);
  const debDir = join(base, 'debs');
  mkdirSync(join(base, 'lists', 'partial'), { recursive: true });
  mkdirSync(join(base, 'cache', 'archives', 'partial'), { recursive: true });
  mkdirSync(debDir, { recursive: true });
  const find = (req: DebRequest): string | undefined => readdirSync(debDir).find((f) => matchesVersion(f, req));
  const missing = options.packages.filter((p) => find(p) === undefined);
  if (missing.length > 0) {
    const sources = join(base, 'sources.list');
    writeFileSync(sources, `deb ${mirror} ${options.suite} main\n`);
    const apt = [
      '-q',
      '-o', `Dir::Etc::SourceList=${sources}`,
      '-o', 'Dir::Etc::SourceParts=/dev/null',
      '-o', `Dir::State::Lists=${join(base, 'lists')}`,
      '-o', `Dir::Cache=${join(base, 'cache')}`,
      '-o', 'APT::Sandbox::User=root',
    ];
    const done = progress.step(`apt (${options.suite}): download ${missing.map((p) => `${p.name} ${p.version}`).join(', ')}`);
    const update = await runCommand('apt-get', [...apt, 'update'], 5 * 60_000);
    if (update.exitCode === null && !update.stdout) {
      throw new Error('apt-get is not available — the offline images are made from Debian packages; build them on a Debian/Ubuntu host');
    }
    if (!update.ok) throw new Error(`apt-get update for ${options.suite} from ${mirror} failed — is the mirror reachable?\n${update.stderr.trim()}`);
    const pins: string[] = [];
    for (const req of missing) {
      const madison = await runCommand('apt-cache', [...apt, 'madison', req.name]);
      const versions = madison.stdout.split('\n').map((l) => l.split('|')[1]?.trim()).filter((v): v is string => !!v);
      const version = versions.find((v) => matchesVersion(`${req.name}_${encodeURIComponent(v)}_x.deb`, req));
      if (!version) {
        throw new Error(
          `${options.suite} has no ${req.name} ${req.version} (it offers ${versions.join(', ') || 'none'}) — update the pinned version in infra/src/images/offline-image-set.ts`,
        );
      }
      pins.push(`${req.name}=${version}`);
    }
    // apt-get download writes into its working directory.
    const download = await streamCommand('apt-get', [...apt, 'download', ...pins], { cwd: debDir, timeoutMs: 10 * 60_000 });
    if (!download.ok) throw new Error(`apt-get download ${pins.join(' ')} failed: ${download.error || download.tail.join('\n')}`);
    done();
  }
  const out: Record<string, string> = {};
  for (const req of options.packages) {
    const file = find(req);
    if (!file) throw new Error(`${req.name} ${req.version} was downloaded but is not in ${debDir}`);
    out[req.name] = join(debDir, file);
  }
  return out;
}
