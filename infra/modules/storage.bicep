// Storage account reachable only with Entra ID (no shared keys), plus the deployment package container.
@description('Storage account name.')
param name string

@description('Azure region.')
param location string

@description('Container Flex Consumption deploys the app package to.')
param deploymentContainerName string

@description('Log Analytics workspace of the data-plane logs (writes and deletes of the ledger, event log and queues).')
param workspaceId string

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    defaultToOAuthAuthentication: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainerName
}

@description('Days raw webhook bodies are kept (personal data: erasure relies on this retention).')
param rawPayloadRetentionDays int = 30

@description('Days dead letters are kept (replay them before; personal data: erasure relies on this retention).')
param deadLetterRetentionDays int = 90

@description('The app\'s storage prefix (Storage__Prefix): container names start with it.')
param appPrefix string = 'cfx'

resource retention 'Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'raw-webhook-bodies'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: ['blockBlob']
              prefixMatch: ['${appPrefix}-raw/']
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterCreationGreaterThan: rawPayloadRetentionDays
                }
              }
            }
          }
        }
        {
          name: 'dead-letters'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: ['blockBlob']
              prefixMatch: ['${appPrefix}-deadletters/']
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterCreationGreaterThan: deadLetterRetentionDays
                }
              }
            }
          }
        }
      ]
    }
  }
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' existing = {
  parent: account
  name: 'default'
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' existing = {
  parent: account
  name: 'default'
}

var writesAndDeletes = [
  {
    category: 'StorageWrite'
    enabled: true
  }
  {
    category: 'StorageDelete'
    enabled: true
  }
]

resource blobLogs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'writes-to-logs'
  scope: blobService
  properties: {
    workspaceId: workspaceId
    logs: writesAndDeletes
  }
}

resource tableLogs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'writes-to-logs'
  scope: tableService
  properties: {
    workspaceId: workspaceId
    logs: writesAndDeletes
  }
}

resource queueLogs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'writes-to-logs'
  scope: queueService
  properties: {
    workspaceId: workspaceId
    logs: writesAndDeletes
  }
}

@description('Storage account name.')
output name string = account.name

@description('Primary blob endpoint, with trailing slash.')
output blobEndpoint string = account.properties.primaryEndpoints.blob
