/** Go build constraints (`//go:build` lines and file-name suffixes): which files a build compiles. Pure. */

/** Whether a //go:build expression holds when exactly the tags `has` accepts are set. */
export function constraintHolds(expression: string, has: (tag: string) => boolean): boolean {
  const tokens = expression.match(/!|&&|\|\||\(|\)|[\w.]+/g) ?? [];
  let i = 0;
  const or = (): boolean => {
    let v = and();
    while (tokens[i] === '||') {
      i++;
      v = and() || v;
    }
    return v;
  };
  const and = (): boolean => {
    let v = not();
    while (tokens[i] === '&&') {
      i++;
      v = not() && v;
    }
    return v;
  };
  const not = (): boolean => {
    if (tokens[i] === '!') {
      i++;
      return !not();
    }
    if (tokens[i] === '(') {
      i++;
      const v = or();
      i++;
      return v;
    }
    return has(tokens[i++] ?? '');
  };
  return or();
}

/** Whether a //go:build expression holds for linux on amd64 or arm64, with or without cgo. */
export function buildsOnLinux(expression: string): boolean {
  return ['amd64', 'arm64'].some((arch) =>
    [true, false].some((cgo) => constraintHolds(expression, (tag) => tag === 'linux' || tag === 'unix' || tag === 'gc' || tag === arch || (tag === 'cgo' && cgo) || /^go1\.\d+$/.test(tag))),
  );
}
