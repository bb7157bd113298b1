import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findPromtool } from '../test/promtool';
import { loadStack } from './load-stack';
import { ALERT_RULES_FILE } from './render-prometheus-config';
import { alertRules, renderAlertRules } from './render-alert-rules';

const PROMTOOL_TESTS = join(__dirname, '..', 'test', 'alert-rules.promtool.yml');
const { path: promtool, skipReason } = findPromtool();
if (skipReason) console.warn(`SKIPPED promtool test rules: ${skipReason}`);
const withPromtool = promtool ? it : it.skip;

describe('alert rules', () => {
  withPromtool.each(['offline', 'registry'])('fire and stay quiet as test/alert-rules.promtool.yml expects (promtool test rules, %s set)', (imageSet) => {
    const dir = mkdtempSync(join(tmpdir(), 'qraft-rules-'));
    try {
      writeFileSync(join(dir, ALERT_RULES_FILE), renderAlertRules(loadStack({ imageSet })));
      copyFileSync(PROMTOOL_TESTS, join(dir, 'tests.yml'));
      const r = spawnSync(promtool!, ['test', 'rules', 'tests.yml'], { cwd: dir, encoding: 'utf8' });
      expect({ status: r.status, out: r.status === 0 ? '' : r.stdout + r.stderr }).toEqual({ status: 0, out: '' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('cover a service down, ingest stalled, consumer lag growing, dead letters arriving and disk filling', () => {
    const names = alertRules(loadStack()).map((r) => r.alert);
    expect(names).toEqual(
      expect.arrayContaining(['QraftTargetDown', 'QraftNatsUnhealthy', 'QraftIngestStalled', 'QraftConsumerLagGrowing', 'QraftDeadLetters', 'QraftJetStreamStorageFilling']),
    );
  });
});
