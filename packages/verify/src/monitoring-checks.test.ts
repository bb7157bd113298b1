import { alertRules, loadStack, scrapeTargets } from '@qraft/config';
import { alwaysReturning, KEY_SERIES } from './monitoring-checks';

describe('monitoring checks, statically', () => {
  it('turn every comparison with a number into a bool one, leaving label matchers alone', () => {
    expect(alwaysReturning('up == 0')).toBe('up == bool 0');
    expect(alwaysReturning('a > 0 and on() sum(increase(b[5m])) == 0')).toBe('a > bool 0 and on() sum(increase(b[5m])) == bool 0');
    expect(alwaysReturning('increase(x{stream_name="Q", a!="1"}[10m]) > 0')).toBe('increase(x{stream_name="Q", a!="1"}[10m]) > bool 0');
    expect(alwaysReturning('a > bool 0.8')).toBe('a > bool 0.8');
  });

  it('know key series for every scrape job of both image sets', () => {
    for (const imageSet of ['offline', 'registry']) {
      for (const { job } of scrapeTargets(loadStack({ imageSet }))) expect({ job, known: job in KEY_SERIES }).toEqual({ job, known: true });
    }
  });

  it('leave no alert rule without a comparison the live check can make bool', () => {
    for (const rule of alertRules(loadStack())) expect({ rule: rule.alert, bool: alwaysReturning(rule.expr).includes(' bool ') }).toEqual({ rule: rule.alert, bool: true });
  });
});
