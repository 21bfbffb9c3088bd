// Lets TypeScript type `import text from "….route" with { type: "text" }`: Bun embeds the file's
// text, which is how serve.ts ships the default policy so it works from any working directory.
declare module "*.route" {
  const text: string;
  export default text;
}
