import type { Command } from 'commander';

// Placeholder until the issue that builds `ingest` lands.
export function registerIngest(program: Command): void {
  program
    .command('ingest')
    .description('(not built yet)')
    .action(() => {
      throw new Error('bounce-pipeline ingest is not built yet');
    });
}
