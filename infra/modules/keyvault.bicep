// Key Vault (RBAC, soft delete, purge protection) holding every secret the app uses; the Function App reads them through
// Key Vault references in its app settings with its own identity (role assigned in access.bicep), never as plain settings.
@description('Key Vault name (3-24 characters).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Log Analytics workspace that receives the vault\'s audit log.')
param workspaceId string

@description('Webhook secret of the ERP source.')
@secure()
param erpWebhookSecret string

@description('Webhook secret of the CRM source.')
@secure()
param crmWebhookSecret string

@description('Client secret of the CRM app registration; none when empty.')
@secure()
param crmClientSecret string

@description('SMTP relay password; none when empty.')
@secure()
param smtpPassword string

@description('Whether a CRM client secret is given (its reference stays empty otherwise).')
param hasCrmClientSecret bool

@description('Whether an SMTP password is given (its reference stays empty otherwise).')
param hasSmtpPassword bool

@description('Purge protection: on in production (a deleted vault cannot be purged for its retention), off for throw-away environments.')
param purgeProtection bool

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: purgeProtection ? true : null
  }
}

resource erpSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'erp-webhook-secret'
  properties: {
    value: erpWebhookSecret
  }
}

resource crmSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'crm-webhook-secret'
  properties: {
    value: crmWebhookSecret
  }
}

resource crmClient 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (hasCrmClientSecret) {
  parent: vault
  name: 'crm-client-secret'
  properties: {
    value: crmClientSecret
  }
}

resource smtp 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (hasSmtpPassword) {
  parent: vault
  name: 'smtp-password'
  properties: {
    value: smtpPassword
  }
}

resource audit 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'audit-to-logs'
  scope: vault
  properties: {
    workspaceId: workspaceId
    logs: [
      {
        categoryGroup: 'audit'
        enabled: true
      }
    ]
  }
}

@description('Key Vault name.')
output name string = vault.name

@description('App setting values: a Key Vault reference per secret (latest version), empty where the secret is not set.')
output references object = {
  erpWebhookSecret: '@Microsoft.KeyVault(SecretUri=${erpSecret.properties.secretUri})'
  crmWebhookSecret: '@Microsoft.KeyVault(SecretUri=${crmSecret.properties.secretUri})'
  crmClientSecret: hasCrmClientSecret ? '@Microsoft.KeyVault(SecretUri=${vault.properties.vaultUri}secrets/crm-client-secret)' : ''
  smtpPassword: hasSmtpPassword ? '@Microsoft.KeyVault(SecretUri=${vault.properties.vaultUri}secrets/smtp-password)' : ''
}
