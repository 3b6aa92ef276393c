// autocannon ships no types; the benchmark uses a handful of its result fields.
declare module 'autocannon';
