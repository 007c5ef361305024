/** ts-ebml's self-contained browser bundle (browserify, its own Buffer): the same API as the package. */
declare module 'ts-ebml/dist/EBML.js' {
  export * from 'ts-ebml';
}
