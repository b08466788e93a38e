using CollectionsFx.Cli;

return await Cli.RunAsync(args).ConfigureAwait(false);
