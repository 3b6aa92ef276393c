import { reservedKeyPaths } from './http-edge';

describe('reserved keys in a parsed request (issue 9 §6)', () => {
  it('finds the own __proto__ property JSON.parse creates, at the top and nested', () => {
    expect(reservedKeyPaths(JSON.parse('{"__proto__":{"admin":true}}'))).toEqual(['__proto__']);
    expect(reservedKeyPaths(JSON.parse('{"rule":{"and":[{"tag":"a"},{"__proto__":{}}]}}'))).toEqual([
      'rule.and.1.__proto__',
    ]);
  });

  it('finds constructor and prototype keys too, every one of them, by path', () => {
    const body = JSON.parse(
      '{"a":{"constructor":{"prototype":{"x":1}}},"b":[{"prototype":1}],"c":{"__proto__":2}}',
    );
    expect(reservedKeyPaths(body)).toEqual(['a.constructor', 'b.0.prototype', 'c.__proto__']);
  });

  it('ignores what objects inherit and values that merely look like reserved keys', () => {
    expect(reservedKeyPaths({ name: 'constructor', list: ['__proto__'], n: 1 })).toEqual([]);
    expect(reservedKeyPaths(JSON.parse('{"a":{},"b":[]}'))).toEqual([]);
    expect(reservedKeyPaths(undefined)).toEqual([]);
    expect(reservedKeyPaths('__proto__')).toEqual([]);
  });

  it('walks a deeply nested body without overflowing the stack', () => {
    const depth = 200_000;
    const deep = JSON.parse(`${'{"a":'.repeat(depth)}{"__proto__":1}${'}'.repeat(depth)}`);
    const [path] = reservedKeyPaths(deep);
    expect(path.endsWith('.a.__proto__')).toBe(true);
    expect(path.split('.')).toHaveLength(depth + 1);
  });

  it('reports at most the limit', () => {
    const body = JSON.parse(`[${Array.from({ length: 50 }, () => '{"constructor":1}').join(',')}]`);
    expect(reservedKeyPaths(body, 3)).toEqual(['0.constructor', '1.constructor', '2.constructor']);
  });
});
