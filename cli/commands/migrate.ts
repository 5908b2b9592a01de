import type { Command } from 'commander';

// Placeholder until the issue that builds `migrate` lands.
export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('(not built yet)')
    .action(() => {
      throw new Error('bounce-pipeline migrate is not built yet');
    });
}
