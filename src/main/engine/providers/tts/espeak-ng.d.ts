/** The `espeak-ng` npm package (Emscripten build of the espeak-ng CLI, ES module, no types). */
declare module 'espeak-ng' {
  export interface EspeakModule {
    FS: {
      readFile(path: string): Uint8Array;
      unlink(path: string): void;
      analyzePath(path: string): { exists: boolean };
    };
    HEAPU8: Uint8Array;
    HEAPU32: Uint32Array;
    _main(argc: number, argv: number): number;
  }
  export interface EspeakOptions {
    arguments?: string[];
    noInitialRun?: boolean;
    print?: (line: string) => void;
    printErr?: (line: string) => void;
    /** Emscripten's hook to instantiate the module ourselves (WebAssembly types are not in lib ES2023). */
    instantiateWasm?: (imports: object, done: (instance: object, module: object) => void) => object;
  }
  const ESpeakNg: (options: EspeakOptions) => Promise<EspeakModule>;
  export default ESpeakNg;
}
