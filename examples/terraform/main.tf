# The hosted private VIF flow in Terraform, against dxlocal:
#   - the partner (account 111111111111) orders a connection and allocates a
#     hosted private VIF to the customer;
#   - the customer (account 222222222222) accepts it onto a Direct Connect
#     gateway and associates that gateway with its virtual private gateway.
#
# dxlocal implements the EC2 calls Direct Connect depends on (VPCs, VGWs,
# TGWs), not all of EC2: the aws provider's `aws_vpc` resource reads route
# tables, ACLs and security groups, which dxlocal does not emulate. So the
# VPC is made beforehand with the AWS CLI and passed in (see README.md).

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

variable "endpoint" {
  description = "dxlocal's URL"
  type        = string
  default     = "http://127.0.0.1:4599"
}

variable "partner_account" {
  type    = string
  default = "111111111111"
}

variable "customer_account" {
  type    = string
  default = "222222222222"
}

variable "customer_vpc_id" {
  description = "A VPC of the customer account, made with `aws ec2 create-vpc` against dxlocal"
  type        = string
}

# On dxlocal a 12-digit access key ID is the account ID; any secret works.
provider "aws" {
  alias      = "partner"
  region     = "us-east-1"
  access_key = var.partner_account
  secret_key = "dxlocal"

  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true

  endpoints {
    directconnect = var.endpoint
    ec2           = var.endpoint
    sts           = var.endpoint
  }
}

provider "aws" {
  alias      = "customer"
  region     = "us-east-1"
  access_key = var.customer_account
  secret_key = "dxlocal"

  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true

  endpoints {
    directconnect = var.endpoint
    ec2           = var.endpoint
    sts           = var.endpoint
  }
}

# --- partner ---------------------------------------------------------------

resource "aws_dx_connection" "partner" {
  provider  = aws.partner
  name      = "partner-port"
  location  = "EqDC2"
  bandwidth = "10Gbps"
}

resource "aws_dx_hosted_private_virtual_interface" "to_customer" {
  provider         = aws.partner
  connection_id    = aws_dx_connection.partner.id
  owner_account_id = var.customer_account
  name             = "hosted-for-customer"
  vlan             = 101
  address_family   = "ipv4"
  bgp_asn          = 65000
}

# --- customer --------------------------------------------------------------

resource "aws_dx_gateway" "customer" {
  provider        = aws.customer
  name            = "customer-dxgw"
  amazon_side_asn = "64512"
}

resource "aws_dx_hosted_private_virtual_interface_accepter" "customer" {
  provider             = aws.customer
  virtual_interface_id = aws_dx_hosted_private_virtual_interface.to_customer.id
  dx_gateway_id        = aws_dx_gateway.customer.id
}

resource "aws_vpn_gateway" "customer" {
  provider        = aws.customer
  vpc_id          = var.customer_vpc_id
  amazon_side_asn = 64513
}

resource "aws_dx_gateway_association" "customer" {
  provider              = aws.customer
  dx_gateway_id         = aws_dx_gateway.customer.id
  associated_gateway_id = aws_vpn_gateway.customer.id
  allowed_prefixes      = ["10.0.0.0/16"]
}

output "virtual_interface_id" {
  value = aws_dx_hosted_private_virtual_interface.to_customer.id
}

output "dx_gateway_id" {
  value = aws_dx_gateway.customer.id
}
