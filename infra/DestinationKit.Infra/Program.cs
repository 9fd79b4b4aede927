using DestinationKit.Infra;
using Pulumi;

return await Deployment.RunAsync<DestinationStack>();
