import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The build writes straight into the module's classes: the api serves them as static resources.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "../target/classes/static",
    emptyOutDir: true,
    // No inline script or style: the api's Content-Security-Policy forbids them (docs/ui.md).
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.ts", "src/**/*.test.tsx"],
  },
});
