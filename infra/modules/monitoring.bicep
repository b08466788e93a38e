// Log Analytics workspace and workspace-based Application Insights (Entra ID ingestion only).
@description('Base name.')
param name string

@description('Azure region.')
param location string

@description('Days logs are kept.')
param retentionInDays int

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${name}-logs'
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${name}-appi'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableLocalAuth: true
  }
}

@description('Application Insights connection string (not a secret: ingestion needs Entra ID).')
output connectionString string = appInsights.properties.ConnectionString

@description('Log Analytics workspace id (diagnostic settings send here).')
output workspaceId string = workspace.id

@description('Application Insights resource id (alerts query it).')
output appInsightsId string = appInsights.id

@description('Application Insights resource name.')
output appInsightsName string = appInsights.name
