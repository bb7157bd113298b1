#!/usr/bin/env node
// The runtime input of infra:image and infra:offline-images (infra/project.json): what Nx hashes besides the sources.
//
//   node infra/scripts/image-cache-key.mjs <reference>...      e.g. 'qraft/app' 'qraft-offline/*'
//
// It prints the ids of the images matching the references in every engine that answers (docker, podman), so a build
// whose images are still there is a cache hit. Nx computes the hash before a target runs, though: an engine back in a
// state it was in before a build (its images removed, or a fresh nested engine on this same checkout) would give the
// same hash, and Nx would replay that build from its cache and build nothing. So when an engine has no image under a
// tag that a record in infra/.image (the targets' outputs) says was built there, it also prints a line that never
// repeats: no cache hit until the image is back. (Tags, not the recorded ids: an image loaded from another engine of
// the same kind — infra:matrix's nested engines share this checkout — is current by its inputs label, with an id the
// record need not hold.) QRAFT_IMAGE_RECORD_DIR overrides the record directory (tests).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const references = process.argv.slice(2);
const recordDir = process.env.QRAFT_IMAGE_RECORD_DIR ?? resolve(dirname(fileURLToPath(import.meta.url)), '../.image');

/** `tag id` of each image matching the references (podman's `localhost/` dropped), or undefined when the engine does not answer. */
function images(engine) {
  try {
    const filters = references.flatMap((r) => ['--filter', `reference=${r}`]);
    const out = execFileSync(engine, ['image', 'ls', '--no-trunc', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}', ...filters], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 15_000,
    });
    return out
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => line.replace(/^localhost\//, ''));
  } catch {
    return undefined;
  }
}

function records() {
  let names = [];
  try {
    names = readdirSync(recordDir).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    try {
      return [JSON.parse(readFileSync(join(recordDir, name), 'utf8'))];
    } catch {
      return [];
    }
  });
}

/** Whether a record's tag (`qraft/app:dev`) is one of the references (`qraft/app`, `qraft-offline/*`). */
function matches(tag) {
  const repository = tag.replace(/:[^/:]*$/, '');
  return references.some((r) => (r.endsWith('/*') ? repository.startsWith(r.slice(0, -1)) : repository === r));
}

const lines = [];
const present = {};
for (const engine of ['docker', 'podman']) {
  const tagged = images(engine);
  if (tagged === undefined) continue;
  present[engine] = new Set(tagged.map((line) => line.split(' ')[0]));
  for (const line of tagged) lines.push(`${engine} ${line}`);
}
for (const record of records()) {
  if (typeof record?.tag !== 'string' || !matches(record.tag)) continue;
  for (const engine of Object.keys(record.engines ?? {})) {
    if (present[engine] && !present[engine].has(record.tag)) lines.push(`missing ${engine} ${record.tag} ${Date.now()}-${process.hrtime.bigint()}`);
  }
}
process.stdout.write(`${[...new Set(lines)].sort().join('\n')}\n`);
