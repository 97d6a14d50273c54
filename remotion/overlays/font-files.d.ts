/** Font files imported for their URL (the bundler copies them into the bundle: no internet needed). */
declare module '*.woff2' {
  const url: string;
  export default url;
}
declare module '*.woff' {
  const url: string;
  export default url;
}
