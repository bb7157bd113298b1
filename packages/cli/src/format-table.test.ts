import { formatTable } from './format-table';

describe('formatTable', () => {
  it('aligns columns two spaces apart with no borders and no trailing blanks', () => {
    const text = formatTable(
      [
        ['nats', 'up', 12],
        ['clickhouse', 'down', 7],
      ],
      { head: ['service', 'state', 'ms'], align: ['left', 'left', 'right'] },
    );
    expect(text.split('\n')).toEqual(['service     state  ms', 'nats        up     12', 'clickhouse  down    7']);
  });

  it('measures coloured cells by what is visible', () => {
    const text = formatTable([['\u001b[32mup\u001b[39m', 'x'], ['down', 'y']]);
    // eslint-disable-next-line no-control-regex -- stripping ANSI colour is the point
    expect(text.split('\n').map((l) => l.replace(/\u001b\[\d+m/g, ''))).toEqual(['up    x', 'down  y']);
  });

  it('prints a Markdown table with a header rule when asked', () => {
    const text = formatTable([['SIGKILL nats', '1.3 s']], { head: ['fault', 'recovery'], style: 'markdown' });
    expect(text.split('\n')).toEqual(['| fault        | recovery |', '|--------------|----------|', '| SIGKILL nats | 1.3 s    |']);
  });
});
