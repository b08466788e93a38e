// The Function App on Flex Consumption, with a system-assigned identity and identity-based storage settings.
@description('Function App name.')
param name string

@description('Azure region.')
param location string

@description('Storage account for AzureWebJobsStorage, Durable Task and the ledger.')
param storageAccountName string

@description('Blob container URL of the deployment package.')
param deploymentContainerUrl string

@description('Application Insights connection string.')
param appInsightsConnectionString string

@description('.NET isolated runtime version.')
param dotnetVersion string

@description('Most instances.')
param maximumInstanceCount int

@description('Memory per instance in MB.')
param instanceMemoryMB int

@description('NCRONTAB schedule (with seconds) of the ERP pull.')
param erpPullSchedule string

@description('NCRONTAB schedule (with seconds, UTC) of the nightly scoring run.')
param scoringSchedule string

@description('NCRONTAB schedule (with seconds, UTC) of the monthly retraining.')
param retrainSchedule string

@description('NCRONTAB schedule (with seconds, UTC) of the daily dunning check.')
param dunningSchedule string

@description('ISO 4217 reporting currency of the KPIs.')
param reportingCurrency string

@description('IANA time zone of the tenant\'s business dates.')
param tenantTimeZone string

@description('Key Vault references of the secrets (erpWebhookSecret, crmWebhookSecret, crmClientSecret, smtpPassword): the app resolves them with its identity.')
param vaultReferences object

@description('CRM connector: none, dataverse, salesforce or webhook.')
param crmKind string

@description('CRM base URL.')
param crmBaseUrl string

@description('CRM token endpoint.')
param crmTokenUrl string

@description('CRM client id.')
param crmClientId string

@description('CRM token scope.')
param crmScope string

@description('SMTP relay host.')
param smtpHost string

@description('SMTP user name.')
param smtpUserName string

@description('Sender of dunning mail.')
param dunningFrom string

@description('Log Analytics workspace of the Function App\'s platform logs.')
param workspaceId string

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: '${name}-plan'
  location: location
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  kind: 'functionapp,linux'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: [
        {
          name: 'AzureWebJobsStorage__accountName'
          value: storageAccountName
        }
        {
          name: 'Storage__AccountName'
          value: storageAccountName
        }
        {
          name: 'Storage__Prefix'
          value: 'cfx'
        }
        {
          name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
          value: appInsightsConnectionString
        }
        {
          name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING'
          value: 'Authorization=AAD'
        }
        {
          name: 'ErpPullSchedule'
          value: erpPullSchedule
        }
        {
          name: 'ScoringSchedule'
          value: scoringSchedule
        }
        {
          name: 'RetrainSchedule'
          value: retrainSchedule
        }
        {
          name: 'DunningSchedule'
          value: dunningSchedule
        }
        {
          // StorageLayout.RescoreQueueName(Storage__Prefix): ingestion asks here for changed customers to be scored again.
          name: 'RescoreQueue'
          value: 'cfx-rescore'
        }
        {
          name: 'Insights__ReportingCurrency'
          value: reportingCurrency
        }
        {
          name: 'Insights__TimeZone'
          value: tenantTimeZone
        }
        {
          name: 'Ingestion__Secrets__erp'
          value: vaultReferences.erpWebhookSecret
        }
        {
          name: 'Ingestion__Secrets__crm'
          value: vaultReferences.crmWebhookSecret
        }
        {
          name: 'Smtp__Host'
          value: smtpHost
        }
        {
          name: 'Smtp__Port'
          value: '587'
        }
        {
          name: 'Smtp__StartTls'
          value: 'true'
        }
        {
          name: 'Smtp__UserName'
          value: smtpUserName
        }
        {
          name: 'Smtp__Password'
          value: vaultReferences.smtpPassword
        }
        {
          name: 'Dunning__From'
          value: dunningFrom
        }
        {
          name: 'Connectors__Crm__Kind'
          value: crmKind
        }
        {
          name: 'Connectors__Crm__BaseUrl'
          value: crmBaseUrl
        }
        {
          name: 'Connectors__Crm__TokenUrl'
          value: crmTokenUrl
        }
        {
          name: 'Connectors__Crm__ClientId'
          value: crmClientId
        }
        {
          name: 'Connectors__Crm__Scope'
          value: crmScope
        }
        {
          name: crmKind == 'webhook' ? 'Connectors__Crm__WebhookSecret' : 'Connectors__Crm__ClientSecret'
          value: vaultReferences.crmClientSecret
        }
      ]
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'SystemAssignedIdentity'
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: dotnetVersion
      }
    }
  }
}

@description('Function App name.')
resource platformLogs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'functions-to-logs'
  scope: site
  properties: {
    workspaceId: workspaceId
    logs: [
      {
        category: 'FunctionAppLogs'
        enabled: true
      }
    ]
  }
}

output name string = site.name

@description('Resource id of the Function App (the web app\'s linked backend).')
output id string = site.id

@description('Default host name.')
output defaultHostName string = site.properties.defaultHostName

@description('Object id of the system-assigned identity.')
output principalId string = site.identity.principalId
