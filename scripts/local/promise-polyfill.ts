// aws-local-stepfunctions 3 calls Promise.withResolvers, which Node 20 lacks (it came in 22).
// This module must be imported before it.
interface WithResolvers {
  withResolvers?: <T>() => {
    promise: Promise<T>;
    resolve: (v: T) => void;
    reject: (e: unknown) => void;
  };
}
const P = Promise as unknown as WithResolvers;
P.withResolvers ??= <T>() => {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};
export {};
