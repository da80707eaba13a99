// Billkit's packages are used from their built dist/ (pnpm build at the root builds them).
// Database drivers and Stripe stay Node modules on the server.

/** @type {import('next').NextConfig} */
const nextConfig = {
  serverExternalPackages: ['better-sqlite3', 'pg', 'mysql2', 'stripe'],
  typescript: { ignoreBuildErrors: false },
};

export default nextConfig;
