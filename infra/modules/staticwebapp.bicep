// The web app (src/CollectionsFx.Web, Blazor WebAssembly) as an Azure Static Web App whose linked backend is the Function
// App: /api/* goes to the functions with the signed-in user's principal (X-MS-CLIENT-PRINCIPAL), which the API's role checks
// read. Linked backends need the Standard plan. Users get the roles cfo, finance-lead, manager or collector by Static Web
// Apps role management (invitations, or a rolesSource function mapping Entra ID groups); see docs/deploy.md.

@description('Name of the static web app.')
param name string

@description('Region of the static web app (Static Web Apps runs in a few regions only).')
@allowed(['westus2', 'centralus', 'eastus2', 'westeurope', 'eastasia'])
param location string

@description('Resource id of the Function App serving /api.')
param functionAppId string

@description('Region of the Function App.')
param functionAppLocation string

resource site 'Microsoft.Web/staticSites@2024-04-01' = {
  name: name
  location: location
  sku: {
    name: 'Standard'
    tier: 'Standard'
  }
  properties: {
    stagingEnvironmentPolicy: 'Enabled'
    allowConfigFileUpdates: true
    buildProperties: {
      skipGithubActionWorkflowGeneration: true
    }
  }
}

resource backend 'Microsoft.Web/staticSites/linkedBackends@2024-04-01' = {
  parent: site
  name: 'functions'
  properties: {
    backendResourceId: functionAppId
    region: functionAppLocation
  }
}

@description('Host name of the web app.')
output defaultHostName string = site.properties.defaultHostname

@description('Name of the static web app (for `swa deploy`).')
output name string = site.name
