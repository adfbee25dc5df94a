"""Domain knowledge of final-accounts disclosures: the nine tables, codes and amounts."""
