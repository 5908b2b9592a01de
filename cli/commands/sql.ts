import type { Command } from 'commander';

// Placeholder until the issue that builds `sql` lands.
export function registerSql(program: Command): void {
  program
    .command('sql')
    .description('(not built yet)')
    .action(() => {
      throw new Error('bounce-pipeline sql is not built yet');
    });
}
