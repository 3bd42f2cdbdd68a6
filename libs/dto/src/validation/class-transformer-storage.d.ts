/** class-transformer's metadata singleton (the package ships its types under types/, its code under cjs/). */
declare module 'class-transformer/cjs/storage' {
  export const defaultMetadataStorage: object;
}
