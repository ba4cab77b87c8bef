/* placeholder, replaced by the plan interpreter */
