import { cpSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type Progress, runCommand, silentProgress, streamCommand } from '@qraft/stack';
import { hashBuildInputs } from './inputs-hash';

export interface RootfsRecipe {
  readonly suite: string;
  readonly mirror: string;
  readonly variant: string;
  /** Files copied over the fresh rootfs (apt sources, slim dpkg/apt settings). */
  readonly overlayDir: string;
}

export interface RootfsTarball {
  readonly path: string;
  /** Hash of the recipe; the base image's inputs hash. */
  readonly recipeHash: string;
  readonly cached: boolean;
  readonly sizeBytes: number;
}

/** Bump when the steps below change what ends up in the tarball. */
const RECIPE_VERSION = '1';

export function rootfsRecipeHash(recipe: RootfsRecipe): string {
  return hashBuildInputs({
    context: recipe.overlayDir,
    extra: { suite: recipe.suite, mirror: recipe.mirror, variant: recipe.variant, recipe: RECIPE_VERSION },
  });
}

/** What debootstrap leaves that no image needs: apt lists and caches, docs, logs. */
const PRUNE = [
  'var/lib/apt/lists',
  'var/cache/apt',
  'var/cache/debconf/templates.dat-old',
  'var/log',
  'usr/share/man',
  'usr/share/info',
  'usr/share/lintian',
];

/**
 * A debootstrapped Debian root as a tarball under cacheDir/rootfs, made once per recipe: the
 * debootstrap (~25 s and a mirror round trip) is what a rebuild of the base image must not repeat.
 */
export async function ensureRootfsTarball(recipe: RootfsRecipe, cacheDir: string, progress: Progress = silentProgress): Promise<RootfsTarball> {
  const recipeHash = rootfsRecipeHash(recipe);
  const dir = join(cacheDir, 'rootfs');
  const path = join(dir, `${recipe.suite}-${recipe.variant}-${recipeHash.slice(7, 19)}.tar`);
  if (existsSync(path)) return { path, recipeHash, cached: true, sizeBytes: statSync(path).size };

  if (process.getuid?.() !== 0) throw new Error('debootstrap needs root — run the offline image build as root (sudo)');
  if (!(await runCommand('debootstrap', ['--version'])).ok) {
    throw new Error('debootstrap is not installed — run `nx run infra:engine` (as root) or `apt-get install -y debootstrap`');
  }
  mkdirSync(dir, { recursive: true });
  const work = mkdtempSync(join(dir, 'tmp-'));
  const root = join(work, 'root');
  try {
    const done = progress.step(`debootstrap --variant=${recipe.variant} ${recipe.suite}`);
    let lastStage = '';
    const boot = await streamCommand('debootstrap', [`--variant=${recipe.variant}`, recipe.suite, root, recipe.mirror], {
      timeoutMs: 15 * 60_000,
      onLine: (line) => {
        // debootstrap's "I: Retrieving…/Unpacking…/Configuring…" stages, each once.
        const stage = /^I: (Retrieving|Validating|Unpacking|Configuring|Installing|Base system)/.exec(line)?.[1];
        if (stage && stage !== lastStage) {
          lastStage = stage;
          progress.line(`debootstrap: ${line.slice(3, 90)}`);
        }
      },
    });
    if (!boot.ok) {
      done('failed');
      throw new Error(
        `debootstrap of ${recipe.suite} from ${recipe.mirror} failed (${boot.error || `exit ${boot.exitCode}`}) — ` +
          `is the Debian mirror reachable? last output:\n${boot.tail.join('\n')}`,
      );
    }
    done();
    cpSync(recipe.overlayDir, root, { recursive: true });
    for (const p of PRUNE) {
      rmSync(join(root, p), { recursive: true, force: true });
    }
    mkdirSync(join(root, 'var/lib/apt/lists/partial'), { recursive: true });
    mkdirSync(join(root, 'var/cache/apt/archives/partial'), { recursive: true });
    mkdirSync(join(root, 'var/log'), { recursive: true });
    // Docs go, licences stay (the same rule the dpkg filter applies to later installs).
    await runCommand('find', [join(root, 'usr/share/doc'), '-type', 'f', '!', '-name', 'copyright', '-delete'], 60_000);
    const tarDone = progress.step('tar rootfs');
    const tmpTar = join(work, 'rootfs.tar');
    const tar = await runCommand('tar', ['--numeric-owner', '--xattrs', '-C', root, '-cf', tmpTar, '.'], 10 * 60_000);
    if (!tar.ok) throw new Error(`tar of the rootfs failed: ${tar.stderr.trim()}`);
    renameSync(tmpTar, path);
    tarDone();
    return { path, recipeHash, cached: false, sizeBytes: statSync(path).size };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
