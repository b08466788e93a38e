using 'main.bicep'

param appName = 'cfx'
param dotnetVersion = '10.0'
param maximumInstanceCount = 100
param instanceMemoryMB = 2048
param reportingCurrency = 'EUR'
param tenantTimeZone = 'Europe/Berlin'
// Secrets come from the environment at deployment time, never from this file.
param erpWebhookSecret = readEnvironmentVariable('CFX_ERP_WEBHOOK_SECRET')
param crmWebhookSecret = readEnvironmentVariable('CFX_CRM_WEBHOOK_SECRET')
